namespace Platform.Web.Ai.Embeddings;

/// <summary>
/// The knowledge base stores <c>vector(1024)</c> whatever the model (ADR-002). A shorter unit vector is zero-padded:
/// dot products, norms and therefore cosine distances are exactly those of the original vectors (ADR-004).
/// </summary>
public static class StoredVector
{
    public const int Dimensions = 1024;

    public static float[] Pad(float[] vector)
    {
        if (vector.Length == Dimensions) return vector;
        if (vector.Length > Dimensions)
            throw new ArgumentException($"A {vector.Length}-dimensional vector does not fit the {Dimensions} stored dimensions.", nameof(vector));
        var padded = new float[Dimensions];
        vector.CopyTo(padded, 0);
        return padded;
    }
}
