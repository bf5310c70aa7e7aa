package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.codec.dialect.WorkBudgetException;
import org.junit.jupiter.api.Test;

class GeminiSchemaCleanerTest {

    private static String clean(String schema) {
        return GeminiSchemaCleaner.cleanParameters(schema.replace('\'', '"'));
    }

    private static String json(String s) {
        return s.replace('\'', '"');
    }

    @Test
    void dropsKeysGeminiRejects() {
        assertThat(clean("{'$schema':'http://json-schema.org/draft-07/schema#','$id':'x','type':'object',"
                + "'additionalProperties':false,'properties':{'n':{'type':'integer','exclusiveMinimum':0,"
                + "'exclusiveMaximum':10,'examples':[1,2],'minimum':1}},'propertyNames':{'pattern':'^a'},"
                + "'patternProperties':{'^x':{}},'unevaluatedProperties':false,'required':['n'],'strict':true}"))
                .isEqualTo(json(
                        "{'type':'object','properties':{'n':{'type':'integer','minimum':1}},'required':['n']}"));
    }

    @Test
    void keepsWhatGeminiAccepts() {
        String s = "{'type':'object','title':'T','description':'d','properties':{'tags':{'type':'array',"
                + "'items':{'type':'string','enum':['a','b']},'minItems':1,'maxItems':3},'when':{'type':'string',"
                + "'format':'date-time','nullable':true},'name':{'type':'string','minLength':1,'maxLength':9,"
                + "'pattern':'^[a-z]+$','default':'x','example':'abc'},'ratio':{'type':'number','format':'double',"
                + "'maximum':1}},'required':['tags'],'minProperties':1,'maxProperties':4}";
        assertThat(clean(s)).isEqualTo(json("{'type':'object','title':'T','description':'d','properties':{'tags':"
                + "{'type':'array','items':{'type':'string','enum':['a','b']},'minItems':1,'maxItems':3},"
                + "'when':{'type':'string','format':'date-time','nullable':true},'name':{'type':'string','default':'x',"
                + "'example':'abc','minLength':1,'maxLength':9,'pattern':'^[a-z]+$'},'ratio':{'type':'number',"
                + "'format':'double','maximum':1}},'required':['tags'],'minProperties':1,'maxProperties':4}"));
    }

    @Test
    void typeListsBecomeNullableOrAnyOf() {
        assertThat(clean("{'type':'object','properties':{'a':{'type':['string','null']},"
                + "'b':{'type':['string','integer']},'c':{'type':'null'}}}"))
                .isEqualTo(json("{'type':'object','properties':{'a':{'type':'string','nullable':true},"
                        + "'b':{'anyOf':[{'type':'string'},{'type':'integer'}]},'c':{'nullable':true}}}"));
    }

    @Test
    void anyOfWithNullCollapses() {
        assertThat(clean("{'type':'object','properties':{'a':{'anyOf':[{'type':'string','maxLength':5},"
                + "{'type':'null'}],'description':'opt'},'b':{'oneOf':[{'type':'string'},{'type':'number'},"
                + "{'type':'null'}]}}}"))
                .isEqualTo(json("{'type':'object','properties':{'a':{'type':'string','description':'opt',"
                        + "'nullable':true,'maxLength':5},'b':{'nullable':true,'anyOf':[{'type':'string'},"
                        + "{'type':'number'}]}}}"));
    }

    @Test
    void constBecomesOneValueEnumAndEnumValuesBecomeStrings() {
        assertThat(clean("{'type':'object','properties':{'k':{'const':'fixed'},'n':{'type':'integer',"
                + "'enum':[1,2,null]}}}"))
                .isEqualTo(json("{'type':'object','properties':{'k':{'type':'string','enum':['fixed']},"
                        + "'n':{'type':'integer','nullable':true,'enum':['1','2']}}}"));
    }

    @Test
    void unsupportedFormatsAreDropped() {
        assertThat(clean("{'type':'object','properties':{'u':{'type':'string','format':'uri'},"
                + "'e':{'type':'string','format':'email'},'i':{'type':'integer','format':'int64'},"
                + "'f':{'type':'number','format':'float'},'d':{'type':'string','format':'date'}}}"))
                .isEqualTo(json("{'type':'object','properties':{'u':{'type':'string'},'e':{'type':'string'},"
                        + "'i':{'type':'integer','format':'int64'},'f':{'type':'number','format':'float'},"
                        + "'d':{'type':'string'}}}"));
    }

    @Test
    void refsAreInlinedAndDefinitionsDropped() {
        assertThat(clean("{'type':'object','$defs':{'Addr':{'type':'object','properties':{'city':{'type':'string'}},"
                + "'required':['city'],'additionalProperties':false}},'definitions':{'Id':{'type':'string',"
                + "'description':'an id'}},'properties':{'home':{'$ref':'#/$defs/Addr','description':'Home'},"
                + "'id':{'$ref':'#/definitions/Id'},'bad':{'$ref':'https://example.com/s.json'}}}"))
                .isEqualTo(json("{'type':'object','properties':{'home':{'type':'object','description':'Home',"
                        + "'properties':{'city':{'type':'string'}},'required':['city']},"
                        + "'id':{'type':'string','description':'an id'},'bad':{}}}"));
    }

    @Test
    void recursiveRefsStopAtAnObject() {
        assertThat(clean("{'type':'object','$defs':{'Node':{'type':'object','description':'tree node',"
                + "'properties':{'value':{'type':'string'},"
                + "'children':{'type':'array','items':{'$ref':'#/$defs/Node'}}}}},"
                + "'properties':{'root':{'$ref':'#/$defs/Node'}}}"))
                .isEqualTo(json("{'type':'object','properties':{'root':{'type':'object','description':'tree node',"
                        + "'properties':{'value':{'type':'string'},'children':{'type':'array','items':"
                        + "{'type':'object'}}}}}}"));
    }

    @Test
    void allOfIsMerged() {
        assertThat(clean("{'allOf':[{'type':'object','properties':{'a':{'type':'string'}},'required':['a']},"
                + "{'properties':{'b':{'type':'integer'}},'required':['b']}]}"))
                .isEqualTo(json("{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'}},"
                        + "'required':['a','b']}"));
    }

    @Test
    void missingTypesAreInferredAndRequiredKeepsOnlyKnownProperties() {
        assertThat(clean("{'properties':{'list':{'items':{'enum':['x']}},'obj':{'properties':{'q':{'type':'string'}}}},"
                + "'required':['list','ghost','list']}"))
                .isEqualTo(json("{'type':'object','properties':{'list':{'type':'array','items':{'type':'string',"
                        + "'enum':['x']}},'obj':{'type':'object','properties':{'q':{'type':'string'}}}},"
                        + "'required':['list']}"));
    }

    @Test
    void emptyObjectParametersAreLeftOut() {
        assertThat(clean("{'type':'object','properties':{},'additionalProperties':false,'required':[]}")).isNull();
        assertThat(clean("{}")).isNull();
        assertThat(clean("{'type':'object'}")).isNull();
        assertThat(GeminiSchemaCleaner.cleanParameters(null)).isNull();
        assertThat(GeminiSchemaCleaner.cleanParameters("not json")).isNull();
        // nested empty objects stay as a bare object
        assertThat(clean("{'type':'object','properties':{'meta':{'type':'object','additionalProperties':true}}}"))
                .isEqualTo(json("{'type':'object','properties':{'meta':{'type':'object'}}}"));
    }

    @Test
    void tupleItemsKeepTheFirstSchemaAndBooleanSchemasBecomeEmpty() {
        assertThat(clean("{'type':'object','properties':{'pair':{'type':'array','items':[{'type':'number'},"
                + "{'type':'string'}]},'any':true}}"))
                .isEqualTo(json("{'type':'object','properties':{'pair':{'type':'array','items':{'type':'number'}},"
                        + "'any':{}}}"));
    }

    @Test
    void responseSchemaMayBeAnyType() {
        assertThat(GeminiSchemaCleaner.cleanResponseSchema(json("{'type':'array','items':{'type':'string'},"
                + "'$schema':'x'}"))).isEqualTo(json("{'type':'array','items':{'type':'string'}}"));
        assertThat(GeminiSchemaCleaner.cleanResponseSchema(json("{'type':'object'}"))).isNull();
    }

    @Test
    void hostileNestingIsRefusedNamingTheLimit() {
        // Deeper than the tree reader takes: refused too, never dropped in silence.
        assertThatThrownBy(() -> clean(nested(100))).isInstanceOf(WorkBudgetException.class)
                .hasMessageContaining("nests deeper than 128 levels");
        assertThat(clean(nested(40))).contains("string"); // deep but within the limit: kept whole
        assertThatThrownBy(() -> clean(nested(60))).isInstanceOf(WorkBudgetException.class)
                .hasMessageContaining("deeper than 48 levels").hasMessageContaining("limit: 48");
    }

    /**
     * 5 KB of JSON whose $refs fan out: each of 40 levels references the one below three times (3^40 nodes inlined).
     * Before the node budget this ran until the heap was gone, on the event loop (issue 20).
     */
    @Test
    void fanningOutRefsAreRefusedQuicklyInsteadOfExpanding() {
        StringBuilder defs = new StringBuilder("{'type':'object','properties':{'a':{'$ref':'#/$defs/d0'}},'$defs':{");
        for (int i = 0; i < 40; i++) {
            String next = i == 39 ? "{'type':'string'}" : "{'$ref':'#/$defs/d" + (i + 1) + "'}";
            defs.append(i == 0 ? "" : ",").append("'d").append(i).append("':{'type':'object','properties':{'x':")
                    .append(next).append(",'y':").append(next).append(",'z':").append(next).append("}}");
        }
        String schema = defs.append("}}").toString();
        long start = System.nanoTime();
        assertThatThrownBy(() -> clean(schema)).isInstanceOf(WorkBudgetException.class)
                .hasMessageContaining("more than " + GeminiSchemaCleaner.MAX_NODES + " nodes");
        assertThat(System.nanoTime() - start).as("bounded work").isLessThan(5_000_000_000L);
    }

    @Test
    void refsWithinTheBudgetAreStillInlined() {
        assertThat(clean("{'type':'object','properties':{'a':{'$ref':'#/$defs/p'},'b':{'$ref':'#/$defs/p'}},"
                + "'$defs':{'p':{'type':'object','properties':{'x':{'type':'integer'}}}}}"))
                .isEqualTo(json("{'type':'object','properties':{'a':{'type':'object','properties':{'x':"
                        + "{'type':'integer'}}},'b':{'type':'object','properties':{'x':{'type':'integer'}}}}}"));
    }

    private static String nested(int depth) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            sb.append("{'type':'object','properties':{'x':");
        }
        sb.append("{'type':'string'}");
        for (int i = 0; i < depth; i++) {
            sb.append("}}");
        }
        return sb.toString();
    }

    @Test
    void geminiSchemaReadsBackAsJsonSchema() throws Exception {
        Object gemini = JsonTree.parse(json("{'type':'OBJECT','properties':{'u':{'type':'STRING','format':'enum',"
                + "'enum':['c','f'],'nullable':true},'n':{'type':'ARRAY','items':{'type':'INTEGER'},'minItems':'1'}},"
                + "'required':['u'],'propertyOrdering':['u','n']}"));
        assertThat(GeminiSchemaReader.toJsonSchema(gemini)).isEqualTo(json("{'type':'object','properties':{'u':"
                + "{'type':['string','null'],'enum':['c','f']},'n':{'type':'array','items':{'type':'integer'},"
                + "'minItems':1}},'required':['u']}"));
    }
}
