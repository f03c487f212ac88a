"""One module per resource; handlers parse, delegate to `api.queries`, and shape."""
