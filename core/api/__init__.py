"""The JSON API at ``/api/v1``: shared pieces (errors, pagination) used by every resource."""
