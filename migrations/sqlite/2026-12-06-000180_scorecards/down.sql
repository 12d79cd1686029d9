DROP TABLE scorecard_ratings;
DROP TABLE scorecard_criteria;
