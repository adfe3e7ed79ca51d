"""Forms check the shape of input; rules live in the services."""
