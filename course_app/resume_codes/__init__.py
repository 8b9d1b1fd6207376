"""Resume codes: a short secret that brings a guest's progress back on another computer."""
