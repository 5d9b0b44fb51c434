/**
 * The field that adds a tag: a combobox whose listbox suggests tags already in use as the user
 * types (`GET /api/v1/tags?q=`, debounced, the most used first). Arrow keys move through the
 * suggestions, Enter adds the one chosen (or the text typed), Escape closes the list, then clears
 * the field; only an empty, closed field lets Escape through to close the dialog.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_TAG_CHARS, TAG_SUGGESTIONS, TAG_SUGGEST_DEBOUNCE_MS } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import { suggestTags, type TagSuggestion } from '../services/api';
import { sameTag } from '../services/libraryQuery';

interface TagInputProps {
  /** The asset's tags: never suggested again. */
  existing: readonly string[];
  /** A change is being saved: the field waits. */
  saving: boolean;
  /** Resolves true once the tag is saved, which empties the field. */
  onAdd: (name: string) => Promise<boolean>;
  debounceMs?: number;
  /** The field's label and its button's, where the tag chosen is not simply added to one asset (bulk actions). */
  label?: string;
  submitLabel?: string;
}

export function TagInput({
  existing,
  saving,
  onAdd,
  debounceMs = TAG_SUGGEST_DEBOUNCE_MS,
  label = 'Add a tag',
  submitLabel = 'Add',
}: TagInputProps) {
  const inputId = useId();
  const listId = useId();
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<TagSuggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const fetchSuggestions = useDebouncedCallback((prefix: string) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    // Asked for a few more than shown: the asset's own tags are left out of the answer.
    const wanted = Math.min(100, TAG_SUGGESTIONS + existing.length);
    suggestTags(prefix, wanted, controller.signal)
      .then((items) => {
        if (controller.signal.aborted) return;
        const fresh = items.filter((item) => !existing.some((tag) => sameTag(tag, item.name))).slice(0, TAG_SUGGESTIONS);
        setSuggestions(fresh);
        setActive(-1);
        setOpen(fresh.length > 0);
      })
      .catch(() => {
        // Suggestions are a help, not the feature: without them the typed name can still be added.
        if (!controller.signal.aborted) setOpen(false);
      });
  }, debounceMs);

  const close = () => {
    fetchSuggestions.cancel();
    inFlight.current?.abort();
    setOpen(false);
    setActive(-1);
  };

  const add = (name: string) => {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean || saving) return;
    close();
    if (existing.some((tag) => sameTag(tag, clean))) {
      setText('');
      return;
    }
    void onAdd(clean).then((saved) => {
      if (saved) setText('');
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = open ? suggestions.length : 0;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (count === 0) fetchSuggestions.call(text.trim());
        else setActive((index) => (index + 1) % count);
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (count > 0) setActive((index) => (index <= 0 ? count - 1 : index - 1));
        break;
      case 'Enter': {
        event.preventDefault();
        const chosen = active >= 0 && count > 0 ? suggestions[active] : undefined;
        add(chosen ? chosen.name : text);
        break;
      }
      case 'Escape':
        // The dialog closes on Escape: only once there is nothing here left to undo.
        if (open) {
          event.stopPropagation();
          close();
        } else if (text) {
          event.stopPropagation();
          setText('');
        }
        break;
      case 'Tab':
        close();
        break;
    }
  };

  const optionId = (index: number) => `${listId}-option-${index}`;
  const shown = open && suggestions.length > 0;

  return (
    <div className="tag-input">
      <label htmlFor={inputId}>{label}</label>
      <div className="tag-input__row">
        <div className="combobox">
          <input
            id={inputId}
            type="text"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={shown}
            aria-controls={listId}
            aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_TAG_CHARS}
            value={text}
            // Read-only rather than disabled while saving: the focus stays here for the next tag.
            readOnly={saving}
            aria-busy={saving}
            onChange={(event) => {
              setText(event.target.value);
              if (event.target.value.trim()) fetchSuggestions.call(event.target.value.trim());
              else close();
            }}
            onKeyDown={onKeyDown}
            onBlur={close}
          />
          <ul id={listId} role="listbox" aria-label="Suggested tags" className="combobox__list" hidden={!shown}>
            {shown &&
              suggestions.map((suggestion, index) => (
                <li
                  key={suggestion.name}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  className="combobox__option"
                  // Keeps the focus in the field, so choosing does not first close the list.
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => add(suggestion.name)}
                >
                  <span>{suggestion.name}</span>
                  <span className="combobox__count">
                    <span className="visually-hidden">, </span>
                    {suggestion.asset_count}
                    <span className="visually-hidden">{suggestion.asset_count === 1 ? ' asset' : ' assets'}</span>
                  </span>
                </li>
              ))}
          </ul>
        </div>
        <button type="button" disabled={saving || !text.trim()} onClick={() => add(text)}>
          {saving ? 'Saving…' : submitLabel}
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {shown ? `${suggestions.length} suggested ${suggestions.length === 1 ? 'tag' : 'tags'}; up and down arrows choose one.` : ''}
      </p>
    </div>
  );
}
