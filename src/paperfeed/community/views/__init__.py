"""Community pages and actions, one module per feature."""
