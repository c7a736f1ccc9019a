"""The strategist's workbench in the site: each page in a module named for what it holds."""
