"""Run `python -m vagvisare`."""

from vagvisare.cli import main

main()
