using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents;

/// <summary>One file of an upload batch as the uploader shows it: read progress, then what intake did with it
/// (and, when queued, the document it became, whose live status the line then follows).</summary>
public sealed class UploadBatchItem(string name)
{
    public string Name { get; } = name;
    public bool Reading { get; private set; } = true;
    public double Percent { get; set; }
    public IntakeOutcome? Outcome { get; private set; }
    public Guid? DocumentId { get; private set; }
    public string Message { get; private set; } = "waiting";

    public void Accept(IntakeResult result)
    {
        Outcome = result.Outcome;
        Message = result.Message;
        DocumentId = result.DocumentId;
        Reading = false;
    }
}
