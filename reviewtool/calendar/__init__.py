"""The working-day calendar: the maths (workdays) and the admin's entry (entry)."""
