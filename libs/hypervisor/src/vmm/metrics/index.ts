// Time-bucketed metric summaries (docs/model.md §1, API.md metrics): written by MetricSeries, read by aggregateBuckets.
export * from './metric-series';
export * from './metric-aggregate';
