// Brings the highlighted passage into view (a citation link lands here with ?chunk=…#passage).
export function reveal(id) {
    const element = document.getElementById(id);
    if (element) element.scrollIntoView({ block: 'center' });
}
