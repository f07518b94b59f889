package dev.mmrag.lucene;

import dev.mmrag.api.KeywordIndex;
import dev.mmrag.test.KeywordIndexContract;

/** Runs the keyword index contract on {@link LuceneKeywordIndex}, in memory. */
class LuceneKeywordIndexContractTest extends KeywordIndexContract {

    @Override
    protected KeywordIndex newIndex() {
        return LuceneKeywordIndex.create();
    }
}
