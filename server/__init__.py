"""Server wiring: app factory, security, errors, REST and GraphQL adapters, CLI."""
