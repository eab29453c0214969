"""The etcd actor: an MVCC key-value store with revisions, transactions, watches and leases."""
