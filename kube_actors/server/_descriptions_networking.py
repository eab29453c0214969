"""What the fields of services, endpoints, EndpointSlices, ingresses and ingress classes mean,
beyond _descriptions_core (see _descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "ServiceSpec": {
        "ipFamilies": "The IP families (IPv4, IPv6) of the service's cluster IPs, in the order "
        "of clusterIPs. Set by the server from ipFamilyPolicy and the cluster's configuration "
        "when not given; at most two, one per family.",
        "ipFamilyPolicy": "Whether the service has one IP family (SingleStack), two if the "
        "cluster offers them (PreferDualStack), or must have two (RequireDualStack). Defaulted "
        "from ipFamilies and clusterIPs; null for ExternalName services.",
        "allocateLoadBalancerNodePorts": "Whether a LoadBalancer service gets node ports "
        "allocated; true by default. Only for type LoadBalancer.",
    },
    "ServicePort": {
        "appProtocol": "The application protocol of this port, a hint for implementations: an "
        "IANA service name, a kubernetes.io/ prefixed name (kubernetes.io/h2c, kubernetes.io/ws, "
        "kubernetes.io/wss) or a domain-prefixed implementation-specific name.",
    },
    "SessionAffinityConfig": {
        "": "SessionAffinityConfig holds the settings of session affinity.",
        "clientIP": "The settings of ClientIP session affinity.",
    },
    "ClientIPConfig": {
        "": "ClientIPConfig holds the settings of ClientIP session affinity.",
        "timeoutSeconds": "How long a ClientIP affinity session sticks, in seconds: more than 0 "
        "and at most 86400 (one day); 10800 (three hours) by default.",
    },
    "LoadBalancerStatus": {
        "": "LoadBalancerStatus is the status of a load balancer.",
        "ingress": "The ingress points of the load balancer: where traffic meant for the service "
        "should be sent.",
    },
    "LoadBalancerIngress": {
        "": "LoadBalancerIngress is one ingress point of a load balancer.",
        "ip": "Set for load balancers whose ingress point is an IP address.",
        "hostname": "Set for load balancers whose ingress point is a DNS name.",
    },
    "Endpoints": {
        "": "Endpoints is the set of addresses that implement a service (superseded by "
        'EndpointSlices). For example: Name: "mysvc", Subsets: [{Addresses: [{"ip": '
        '"10.10.1.1"}, {"ip": "10.10.2.2"}], Ports: [{"name": "a", "port": 8675}, '
        '{"name": "b", "port": 309}]}].',
        "subsets": "The sets of addresses and ports that make up the service: every address of a "
        "subset serves every port of it. No address is both ready and not ready in one subset.",
    },
    "EndpointAddress": {
        "": "EndpointAddress is a single IP address of an endpoint.",
        "ip": "The IP of this endpoint. May not be loopback, link-local or link-local multicast.",
        "hostname": "The hostname of this endpoint.",
        "nodeName": "The node this endpoint is on, to find endpoints local to a node.",
        "targetRef": "The object that provides the endpoint: usually a Pod.",
    },
    "EndpointPort": {
        "": "EndpointPort is a port an endpoint serves.",
        "name": "The name of this port, which must match the name of the service's port; "
        "optional when there is only one.",
        "port": "The port number.",
        "protocol": "The IP protocol of this port: TCP (the default), UDP or SCTP.",
        "appProtocol": "The application protocol of this port, a hint for implementations, as a "
        "ServicePort's appProtocol.",
    },
    "EndpointSlice": {
        "": "EndpointSlice is a subset of the endpoints that implement a service. A service may "
        "have several slices, found by the kubernetes.io/service-name label, which together make "
        "up its endpoints.",
        "addressType": "The kind of addresses the slice holds: IPv4, IPv6 or FQDN. Cannot be "
        "updated.",
        "endpoints": "The endpoints of the slice; at most 1000.",
        "ports": "The network ports every endpoint of the slice serves; at most 100. Empty means "
        "no ports are exposed; a port with an empty name is all ports.",
    },
    "Endpoint": {
        "": "Endpoint is one backend of a service, such as a pod.",
        "addresses": "The addresses of the endpoint, of the slice's addressType. Consumers must "
        "handle several addresses, but the first is the one usually used. At least one, at most "
        "100.",
        "conditions": "The current state of the endpoint.",
        "hostname": "The hostname of the endpoint, for DNS to make records from; a DNS label.",
        "targetRef": "The object that provides the endpoint: usually a Pod.",
        "deprecatedTopology": "Deprecated: topology labels of the endpoint, kept for migration "
        "from v1beta1; not written for new endpoints.",
        "nodeName": "The name of the node the endpoint is on.",
        "zone": "The zone the endpoint is in.",
        "hints": "Hints for how the endpoint should be consumed, for topology aware routing.",
    },
    "EndpointConditions": {
        "": "EndpointConditions is the current state of an endpoint.",
        "ready": "Whether the endpoint is ready to receive traffic, per the system that manages "
        "it. Unknown is taken as ready. A terminating endpoint is never ready (unless the service "
        "publishes not-ready addresses).",
        "serving": "Like ready, but true for a terminating endpoint that still passes its "
        "readiness checks.",
        "terminating": "Whether the endpoint is terminating. Unknown is taken as not terminating.",
    },
    "EndpointHints": {
        "": "EndpointHints holds hints for how an endpoint should be consumed.",
        "forZones": "The zones this endpoint should be consumed by, for topology aware routing.",
    },
    "ForZone": {
        "": "ForZone names a zone an endpoint should be consumed by.",
        "name": "The name of the zone.",
    },
    "EndpointSlicePort": {
        "": "EndpointSlicePort is a port of an EndpointSlice.",
        "name": "The name of this port, which must match the name of the service's port; empty "
        "or a DNS label.",
        "protocol": "The IP protocol of this port: TCP (the default), UDP or SCTP.",
        "port": "The port number, 0 to 65535; unset means every port is open (an empty name with "
        "a null port).",
        "appProtocol": "The application protocol of this port, a hint for implementations, as a "
        "ServicePort's appProtocol.",
    },
    "Ingress": {
        "": "Ingress is a collection of rules that let inbound connections reach the endpoints "
        "defined by a backend: it can give services externally reachable URLs, balance load, "
        "terminate SSL and offer name-based virtual hosting.",
        "spec": "The rules and backends of the ingress, as its author defined them.",
        "status": "The current state of the ingress: the addresses of its load balancer. "
        "Populated by the system. Read-only.",
    },
    "IngressSpec": {
        "": "IngressSpec describes the ingress the user wishes to exist.",
        "ingressClassName": "The name of the IngressClass whose controller implements this "
        "ingress. Without it, the default IngressClass is used, if one is marked default.",
        "defaultBackend": "Where requests that match no rule go. Without rules, it must be set. "
        "Without it, the controller decides what to do with such requests.",
        "tls": "The TLS settings: which hosts use which certificate secret on the one TLS port, "
        "443. Hosts of different items share the port by their SNI name, when the controller "
        "supports SNI.",
        "rules": "The host rules: which host and path go to which backend. Without rules, every "
        "request goes to the default backend.",
    },
    "IngressRule": {
        "": "IngressRule maps the paths of a host to backends. A request matches if its host "
        "matches (or the rule has none) and its path matches one of the rule's paths.",
        "host": "The fully qualified domain name of a network host, as RFC 3986 defines it, "
        "without an IP address, port or trailing ':'. A leading '*.' wildcard matches one DNS "
        "label. Empty means every host.",
        "http": "The paths of the host and their backends.",
    },
    "HTTPIngressRuleValue": {
        "": "HTTPIngressRuleValue is a list of paths that map requests to backends.",
        "paths": "The paths and their backends.",
    },
    "HTTPIngressPath": {
        "": "HTTPIngressPath is a path and the backend requests to it go to.",
        "path": "The path matched against the request's path; must begin with '/'. Without it, "
        "every path matches (with pathType ImplementationSpecific).",
        "pathType": "How path is matched: Exact (the whole path, case-sensitive), Prefix (by "
        "'/'-separated elements, case-sensitive) or ImplementationSpecific (as the IngressClass's "
        "controller decides). Required.",
        "backend": "The service or resource requests matching the path go to.",
    },
    "IngressBackend": {
        "": "IngressBackend is where requests go: a service or a resource, exactly one of them.",
        "service": "The Service the requests go to.",
        "resource": "An object of another kind, in the same namespace, the requests go to.",
    },
    "IngressServiceBackend": {
        "": "IngressServiceBackend names a service and a port of it.",
        "name": "The name of the Service, in the ingress's namespace.",
        "port": "The port of the Service; required for a service backend.",
    },
    "ServiceBackendPort": {
        "": "ServiceBackendPort is a service port, by name or number.",
        "name": "The name of the port; cannot be set together with number.",
        "number": "The number of the port; cannot be set together with name.",
    },
    "IngressTLS": {
        "": "IngressTLS describes the transport layer security of an ingress.",
        "hosts": "The hosts the certificate covers, which must match those of the rules. Empty "
        "means the load balancer's default host.",
        "secretName": "The Secret holding the certificate and key for terminating TLS on port "
        "443. Optional, so that TLS can be routed on the SNI host name alone; when the SNI host "
        "and a rule's Host header disagree, the SNI host decides the termination and the Host "
        "header the routing.",
    },
    "IngressStatus": {
        "": "IngressStatus describes the current state of an ingress.",
        "loadBalancer": "The load balancer of the ingress.",
    },
    "IngressLoadBalancerStatus": {
        "": "IngressLoadBalancerStatus is the status of an ingress's load balancer.",
        "ingress": "The ingress points of the load balancer.",
    },
    "IngressLoadBalancerIngress": {
        "": "IngressLoadBalancerIngress is one ingress point of an ingress's load balancer.",
        "ip": "Set for ingress points that are IP addresses.",
        "hostname": "Set for ingress points that are DNS names.",
        "ports": "Information about the ports of this ingress point.",
    },
    "IngressPortStatus": {
        "": "IngressPortStatus is the status of one port of an ingress point.",
        "port": "The port number.",
        "protocol": "The protocol of the port: TCP, UDP or SCTP.",
        "error": "Why the port is in error, if it is: a CamelCase, domain-prefixed reason, such "
        "as example.com/MyReason.",
    },
    "IngressClass": {
        "": "IngressClass names a controller that implements ingresses and its parameters. The "
        "annotation ingressclass.kubernetes.io/is-default-class set to true makes it the default, "
        "used for ingresses that name no class.",
        "spec": "The controller and parameters of the class.",
    },
    "IngressClassSpec": {
        "": "IngressClassSpec describes the controller of an IngressClass.",
        "controller": "The name of the controller that implements this class, a domain-prefixed "
        "path such as example.com/ingress-controller, at most 250 characters. Cannot be updated.",
        "parameters": "An object with more settings for the controller; optional.",
    },
    "IngressClassParametersReference": {
        "": "IngressClassParametersReference names the object that holds an IngressClass's "
        "parameters.",
        "apiGroup": "The group of the referent; empty means the core group.",
        "kind": "The kind of the referent.",
        "name": "The name of the referent.",
        "scope": "Whether the referent is cluster-scoped (Cluster, the default) or namespaced "
        "(Namespace).",
        "namespace": "The namespace of the referent, required when scope is Namespace, and unset "
        "when it is Cluster.",
    },
    "TypedLocalObjectReference": {
        "": "TypedLocalObjectReference names an object of some kind in the same namespace.",
        "apiGroup": "The group of the kind; empty means the core group.",
        "kind": "The kind of the referent.",
        "name": "The name of the referent.",
    },
}
