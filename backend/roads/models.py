"""No tables: a road network lives in the instance folder (``roads/network``, switched in
atomically by ``services.build``), and the setting ROAD_NETWORK says which one is active."""
