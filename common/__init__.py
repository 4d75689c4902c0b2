"""The ground floor: primitives every app may use, importing no app."""
