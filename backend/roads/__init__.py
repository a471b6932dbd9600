"""Road networks: loading an OpenStreetMap extract (`recyclenet roads build`), the active
network (ROAD_NETWORK: a prepared folder or an osrm-routed URL) as the planner's distance
provider, and the street lines the console draws under its markers."""
