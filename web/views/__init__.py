"""Views split by audience: public (anonymous), operator, planner, dashboard (supervisor)."""
