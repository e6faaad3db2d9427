"""What every REST function shares: the resolver with the one error handler, request parsing, auth,
pagination."""
