"""What users need to test their own code against kube_actors."""
