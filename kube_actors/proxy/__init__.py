"""kube-proxy: the service table, load balancing and TCP forwarding over loopback."""
