-- seat_plans (0001) was superseded by seat_assignments (0004) and never read or written since.
DROP TABLE seat_plans;
