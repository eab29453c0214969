"""How every component talks to the apiserver: the Client and informers."""
