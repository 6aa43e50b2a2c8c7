"""The pure core: the MEA calendar, the clerk's closures, profiles (rules as
data) and the planner. It imports only the standard library, dateutil and
holidays; every other layer may use it."""
