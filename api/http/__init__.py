"""The HTTP edge: dependencies, query parameters, error rendering, conditional requests,
body limits, paging links and who is asking."""
