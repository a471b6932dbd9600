"""Plans: building the routing model, the fixed-round baseline, dispatch and execution."""
