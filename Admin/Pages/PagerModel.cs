namespace FaceAspire.Admin.Pages;

/// <summary>Model of the shared pager partial: current 1-based page and page count.</summary>
public sealed record PagerModel(int Page, int Pages);
