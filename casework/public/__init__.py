"""The public channel: applicants in a browser, without an account (DOMAIN.md §1).

Shared by every service: the start page's service chooser (``registry``), the base application form
(``forms``), the submission / receipt / tracking views (``views``) and the rate limits (``ratelimit``).
"""
