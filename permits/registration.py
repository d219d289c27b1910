"""Makes labour-immigrant permit applications findable by number through casework.registry
(``GET /api/v1/applications/{number}``). Filled in once the certificates engineer's registry lands."""
