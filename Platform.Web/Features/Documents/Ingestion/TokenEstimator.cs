using Platform.Web.Ai.Embeddings;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// Counts tokens exactly as the built-in embedding model sees them: its own WordPiece tokenizer and vocabulary
/// (<see cref="ArcticXsModel.Tokenizer"/>), without [CLS]/[SEP]. Chunks are sized with it so none exceeds what the
/// model reads (512 positions). Remote models tokenize differently but accept far more, so the same sizes fit them.
/// </summary>
public static class TokenEstimator
{
    public static int Count(ReadOnlySpan<char> text) => ArcticXsModel.CountTokens(text);
}
