"""Vägvisare."""
