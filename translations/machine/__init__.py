"""Machine translation of content: a small provider interface, Argos Translate as the real provider."""
