"""What the site publishes as open data, each shape and each parameter declared once."""

from annuaire.shapes.fields import Shape, context

__all__ = ["Shape", "context"]
