"""A member's film history brought in from Letterboxd, IMDb, Trakt or a FlixReview export, and exported again."""
