"""DynamoDB single-table adapter. Every access pattern is listed in docs/data-model.md."""
