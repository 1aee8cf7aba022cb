"""The shared core: models, the write path for ratings, reports and scoring. No routes here."""
