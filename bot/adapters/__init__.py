"""Platform front ends. Each turns its input into calls on the core and renders the result."""
