"""The apiserver actor: CRUD, status, watch cache, admission, optimistic concurrency."""
