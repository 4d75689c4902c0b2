"""The GraphQL API for generations (PRD 3.1.2): `schema.py` is the schema,
`api.py` the view at /api/v1/graphql; docs/api.md#graphql describes it."""
