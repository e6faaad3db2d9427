"""Teams of agents inside a provedor, and their members."""
