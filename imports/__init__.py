"""Everything that brings data in: TMDB, MovieLens, the demo data and the synthetic catalogue."""
