package io.flowmesh.api.source;

import io.flowmesh.api.functions.RuntimeContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Emits a fixed list of elements in order; subtask {@code s} of {@code p} emits the elements at indexes {@code ≡ s (mod p)}. */
public final class CollectionSource<T> implements Source<T> {
    private static final long serialVersionUID = 1L;
    private final ArrayList<T> elements;

    public CollectionSource(Collection<T> elements) {
        this.elements = new ArrayList<>(elements);
        for (T e : this.elements) {
            if (e == null) {
                throw new IllegalArgumentException("fromCollection: null elements are not allowed");
            }
        }
    }

    @Override
    public SourceReader<T> createReader(RuntimeContext context) {
        List<T> all = elements;
        int step = context.parallelism();
        return new SourceReader<>() {
            private int next = context.subtaskIndex();

            @Override
            public InputStatus pollNext(ReaderOutput<T> output) {
                for (int i = 0; i < 256 && next < all.size(); i++, next += step) {
                    output.collect(all.get(next));
                }
                return next < all.size() ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
            }
        };
    }
}
