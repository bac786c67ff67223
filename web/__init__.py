"""The site people use in a browser: server-rendered pages (htmx for partial updates) over the same selectors and
services as the API, with no logic of their own."""
