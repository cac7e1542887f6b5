/// The iteration table's token count and first token tick, the same in SQLite and PostgreSQL:
/// written with every run, and computed from the token rows of runs stored before they existed.
public enum IterationTokenFigures {
    public static let addTokenCountColumn = "ALTER TABLE iteration ADD COLUMN token_count BIGINT NOT NULL DEFAULT 0"
    public static let addFirstTokenColumn = "ALTER TABLE iteration ADD COLUMN first_token_ticks BIGINT"
    public static let fillFromTokens = """
        UPDATE iteration SET
            token_count = (SELECT COUNT(*) FROM token WHERE token.run_id = iteration.run_id AND token.iteration = iteration.idx),
            first_token_ticks = (SELECT ticks FROM token WHERE token.run_id = iteration.run_id AND token.iteration = iteration.idx AND token.idx = 0)
        """
}
