"""Hand-written behaviour, one module per domain. Each handler serves REST and GraphQL alike."""
