"""The councils admin, for administrators: every view under the same rules as the site."""
