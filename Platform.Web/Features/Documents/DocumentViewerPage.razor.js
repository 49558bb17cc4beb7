// Brings the highlighted passage into view (a citation link lands here with ?chunk=…#passage): on a PDF page the
// marked text itself, else the highlighted section.
export function reveal(id) {
    const element = document.querySelector('#' + id + ' mark') ?? document.getElementById(id);
    if (element) element.scrollIntoView({ block: 'center' });
}
