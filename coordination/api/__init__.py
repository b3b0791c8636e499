"""The REST API's shared pieces: pagination, the error format, the root of /api/v1/."""
