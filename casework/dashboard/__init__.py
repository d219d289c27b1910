"""The office's dashboard in the admin, for the head of the office (and the administrator).

queries.py — the figures, each one aggregate SQL query (GROUP BY in the database, never a loop over rows);
svg.py — server-rendered SVG bar charts (no JavaScript, no CDN); export.py — CSV and XLSX;
views.py / urls.py — the admin views, unit-scoped through casework.access like every clerk screen.
"""
