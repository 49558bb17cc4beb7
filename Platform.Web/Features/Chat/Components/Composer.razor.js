// Send on Enter (Shift+Enter = new line) or on Ctrl/Cmd+Enter, as the user prefers. The default action is
// prevented only for the send combination, so typing stays native.
export function wire(textarea, dotnet, sendWithEnter) {
    if (textarea._chatKeys) textarea.removeEventListener('keydown', textarea._chatKeys);
    textarea._chatKeys = e => {
        if (e.key !== 'Enter' || e.isComposing) return;
        const send = sendWithEnter ? !(e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) : (e.ctrlKey || e.metaKey);
        if (!send) return;
        e.preventDefault();
        // Cleared only once sent: Enter while an answer is still being written used to wipe the question unsent.
        const text = textarea.value;
        dotnet.invokeMethodAsync('SendFromKeyboard', text)
            .then(sent => { if (sent && textarea.value === text) textarea.value = ''; });
    };
    textarea.addEventListener('keydown', textarea._chatKeys);
}

// Page shortcuts: Ctrl+Shift+O new chat, Ctrl+K search, Ctrl+Shift+S toggle the sidebar, and ? (outside text
// fields, where it is just a character) for the list of shortcuts.
export function shortcuts(dotnet) {
    const handler = e => {
        const mod = e.ctrlKey || e.metaKey;
        if (e.key === '?' && !mod && !e.altKey && !isTextField(e.target)) {
            e.preventDefault();
            dotnet.invokeMethodAsync('Shortcut', 'help');
            return;
        }
        if (!mod) return;
        let name = null;
        if (e.shiftKey && e.key.toLowerCase() === 'o') name = 'new';
        else if (!e.shiftKey && e.key.toLowerCase() === 'k') name = 'search';
        else if (e.shiftKey && e.key.toLowerCase() === 's') name = 'sidebar';
        if (!name) return;
        e.preventDefault();
        dotnet.invokeMethodAsync('Shortcut', name);
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
}

export function scrollToEnd(element) {
    if (element) element.scrollTop = element.scrollHeight;
}

function isTextField(element) {
    if (!element || !element.tagName) return false;
    const tag = element.tagName.toLowerCase();
    return tag === 'textarea' || tag === 'select' || element.isContentEditable
        || (tag === 'input' && !['button', 'checkbox', 'radio', 'submit', 'reset'].includes((element.type || '').toLowerCase()));
}

// Scrolls a message's bottom (where "stats for nerds" opens) into view, only as far as needed.
export function reveal(id) {
    const element = document.getElementById(id);
    if (element) element.scrollIntoView({ block: 'end', behavior: 'smooth' });
}
