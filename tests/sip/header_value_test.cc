// HeaderValue: shared immutable header values, and what SipMessage copies share through it.
#include "sip/header_value.h"
#include "sip/headers.h"
#include "sip/message.h"

#include <gtest/gtest.h>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sipsim
{
namespace
{

const std::string kLong = "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds";

std::string
Request(const std::string& extra = "")
{
    return "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-p1, " +
           kLong +
           "\r\n"
           "Max-Forwards: 70\r\n"
           "To: Bob <sip:bob@biloxi.example.com>\r\n"
           "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
           "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
           "CSeq: 314159 INVITE\r\n" +
           extra + "Content-Length: 0\r\n\r\n";
}

SipMessage
Parsed(const std::string& text)
{
    auto parsed = ParseMessage(text);
    EXPECT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    return parsed.Ok() ? std::move(parsed).Value() : SipMessage();
}

TEST(HeaderValue, ReadsAsItsText)
{
    HeaderValue empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(empty.view(), "");

    HeaderValue shortValue("70");
    HeaderValue longValue(kLong);
    EXPECT_EQ(shortValue.size(), 2u);
    EXPECT_EQ(longValue.view(), kLong);
    EXPECT_EQ(longValue.str(), kLong);
    EXPECT_EQ(longValue.front(), 'S');
    EXPECT_EQ(longValue.back(), 's');
    EXPECT_EQ(longValue.find("branch="), kLong.find("branch="));
    EXPECT_EQ(longValue.substr(0, 7), "SIP/2.0");
    std::ostringstream printed;
    printed << longValue;
    EXPECT_EQ(printed.str(), kLong);
}

TEST(HeaderValue, ComparesWithEveryKindOfText)
{
    HeaderValue value(std::string("a84b4c76e66710@pc33.atlanta.example.com"));
    const std::string same = "a84b4c76e66710@pc33.atlanta.example.com";
    EXPECT_TRUE(value == same);
    EXPECT_TRUE(same == value);
    EXPECT_TRUE(value == std::string_view(same));
    EXPECT_TRUE(value == "a84b4c76e66710@pc33.atlanta.example.com");
    EXPECT_TRUE("a84b4c76e66710@pc33.atlanta.example.com" == value);
    EXPECT_TRUE(value == HeaderValue(same));
    EXPECT_TRUE(value != "a84b4c76e66710@pc33.atlanta.example.org");
    EXPECT_TRUE(value != HeaderValue("70"));
    EXPECT_FALSE(value != same);
}

TEST(HeaderValue, CopiesOfALongValueShareItsBytes)
{
    HeaderValue original(kLong);
    HeaderValue copy = original;
    EXPECT_EQ(copy.data(), original.data());
    HeaderValue assigned;
    assigned = copy;
    EXPECT_EQ(assigned.data(), original.data());
    // Short values live inside the object: a copy has its own bytes, equal in content.
    HeaderValue shortValue("70");
    HeaderValue shortCopy = shortValue;
    EXPECT_NE(shortCopy.data(), shortValue.data());
    EXPECT_EQ(shortCopy, "70");
}

TEST(HeaderValue, OutlivesTheValueItWasCopiedFrom)
{
    auto original = std::make_unique<HeaderValue>(kLong);
    HeaderValue copy = *original;
    original.reset();
    EXPECT_EQ(copy.view(), kLong); // ASan would report the bytes if the last owner freed them
}

TEST(HeaderValue, MovedFromIsEmptyAndSelfAssignmentKeepsTheValue)
{
    HeaderValue original(kLong);
    const char* bytes = original.data();
    HeaderValue moved = std::move(original);
    EXPECT_EQ(moved.data(), bytes);
    EXPECT_TRUE(original.empty()); // NOLINT(bugprone-use-after-move): the documented state
    HeaderValue& alias = moved;
    moved = alias;
    moved = std::move(alias);
    EXPECT_EQ(moved.view(), kLong);
}

TEST(HeaderValue, PartSharesALongRemainderAndCopiesAShortOne)
{
    HeaderValue list("SIP/2.0/UDP a.example.com;branch=z9hG4bK1, " + kLong);
    const std::string_view rest = list.view().substr(list.find(',') + 2);
    HeaderValue tail = list.Part(rest);
    EXPECT_EQ(tail.view(), kLong);
    EXPECT_EQ(tail.data(), rest.data());
    HeaderValue shortTail = list.Part(rest.substr(0, 7));
    EXPECT_EQ(shortTail, "SIP/2.0");
    EXPECT_NE(shortTail.data(), rest.data());
}

TEST(HeaderValue, ParsedValuesOfOneMessageShareOneCopyOfItsText)
{
    const SipMessage message = Parsed(Request());
    const HeaderValue* via = message.Get("Via");
    const HeaderValue* from = message.Get("From");
    ASSERT_NE(via, nullptr);
    ASSERT_NE(from, nullptr);
    // Both views point into the one shared copy, in wire order, one line apart.
    const std::string text = Request();
    EXPECT_EQ(from->data() - via->data(),
              static_cast<std::ptrdiff_t>(text.find("Alice") - text.find("SIP/2.0/UDP proxy")));
}

TEST(HeaderValue, ChangingACopyOfAMessageCopiesNoValueText)
{
    const SipMessage original = Parsed(Request());
    SipMessage forwarded = original;
    forwarded.Set("Max-Forwards", "69");
    forwarded.Prepend("Via", "SIP/2.0/UDP p2.example.com;branch=z9hG4bK-p2");
    ASSERT_NE(&forwarded.Headers(), &original.Headers()); // the lines were unshared
    EXPECT_EQ(forwarded.Get("From")->data(), original.Get("From")->data());
    EXPECT_EQ(forwarded.Get("Call-ID")->data(), original.Get("Call-ID")->data());
    EXPECT_EQ(*original.Get("Max-Forwards"), "70");
    EXPECT_EQ(*forwarded.Get("Max-Forwards"), "69");
}

TEST(HeaderValue, RemovingTheTopViaKeepsTheRestOfTheLineShared)
{
    const SipMessage original = Parsed(Request());
    SipMessage response = original;
    ASSERT_TRUE(response.RemoveFirstValue("Via"));
    const HeaderValue* via = response.Get("Via");
    ASSERT_NE(via, nullptr);
    EXPECT_EQ(*via, kLong);
    const HeaderValue* originalVia = original.Get("Via");
    EXPECT_EQ(via->data(), originalVia->data() + originalVia->find(kLong));
}

TEST(HeaderValue, ValuesOutliveTheMessageTheyWereParsedFrom)
{
    HeaderValue from;
    {
        const SipMessage message = Parsed(Request());
        from = *message.Get("From");
    }
    EXPECT_EQ(from, "Alice <sip:alice@atlanta.example.com>;tag=1928301774");
}

TEST(HeaderValue, FoldedValueIsJoinedIntoItsOwnBytes)
{
    const SipMessage message = Parsed(Request("Subject: I know you're there,\r\n"
                                              "   pick up the phone\r\n"));
    const HeaderValue* subject = message.Get("Subject");
    ASSERT_NE(subject, nullptr);
    EXPECT_EQ(*subject, "I know you're there, pick up the phone");
}

TEST(HeaderValue, PaddedCopiesWriteTheValueAndEndAfterIt)
{
    const std::string text = "Proxy-Authorization: Digest username=alice, realm=atlanta";
    for (std::size_t size = 0; size <= 40; ++size)
    {
        const HeaderValue whole(text);
        for (const HeaderValue& value :
             {HeaderValue(text.substr(0, size)), whole.Part(whole.substr(0, size))})
        {
            std::string buffer(size + HeaderValue::kPaddedCopySlack, '#');
            char* end = value.CopyPadded(buffer.data());
            ASSERT_EQ(end, buffer.data() + size);
            EXPECT_EQ(buffer.substr(0, size), text.substr(0, size));
        }
    }
}

constexpr HeaderValue::Piece kTag = HeaderValue::Piece::AddressTag;

TEST(HeaderValue, RemembersAPieceForItselfAndItsCopiesOnly)
{
    const HeaderValue from("Alice <sip:alice@atlanta.example.com>;tag=1928301774");
    std::string_view tag;
    EXPECT_FALSE(from.RememberedPiece(kTag, tag));
    from.RememberPiece(kTag, AddressTag(from.view()));
    ASSERT_TRUE(from.RememberedPiece(kTag, tag));
    EXPECT_EQ(tag, "1928301774");

    HeaderValue copy = from; // carries the memo, as a view into its own bytes
    ASSERT_TRUE(copy.RememberedPiece(kTag, tag));
    EXPECT_EQ(tag, "1928301774");
    EXPECT_GE(tag.data(), copy.data());

    HeaderValue moved = std::move(copy);
    ASSERT_TRUE(moved.RememberedPiece(kTag, tag));
    EXPECT_EQ(tag, "1928301774");
    EXPECT_TRUE(copy.empty()); // the moved-from state
    EXPECT_FALSE(copy.RememberedPiece(kTag, tag));

    moved = HeaderValue("Bob <sip:bob@biloxi.example.com>;tag=a6c85cf"); // a new value
    EXPECT_FALSE(moved.RememberedPiece(kTag, tag));
    moved = from;
    ASSERT_TRUE(moved.RememberedPiece(kTag, tag));
    EXPECT_EQ(tag, "1928301774");

    const HeaderValue none("<sip:carol@chicago.example.com>");
    none.RememberPiece(kTag, AddressTag(none.view()));
    ASSERT_TRUE(none.RememberedPiece(kTag, tag));
    EXPECT_TRUE(tag.empty());

    // Not remembered: a view into other bytes, a tag beyond a byte's reach.
    const HeaderValue other("Alice <sip:alice@atlanta.example.com>;tag=1928301774");
    other.RememberPiece(kTag, AddressTag(from.view()));
    EXPECT_FALSE(other.RememberedPiece(kTag, tag));
    // Another kind of piece is not the one remembered, and replaces it.
    ASSERT_TRUE(from.RememberedPiece(kTag, tag));
    EXPECT_FALSE(from.RememberedPiece(HeaderValue::Piece::CallId, tag));
    from.RememberPiece(HeaderValue::Piece::CallId, from.substr(0, 5));
    ASSERT_TRUE(from.RememberedPiece(HeaderValue::Piece::CallId, tag));
    EXPECT_EQ(tag, "Alice");
    EXPECT_FALSE(from.RememberedPiece(kTag, tag));
    const HeaderValue far("\"" + std::string(300, 'a') + "\" <sip:a@b.example.com>;tag=far");
    far.RememberPiece(kTag, AddressTag(far.view()));
    EXPECT_FALSE(far.RememberedPiece(kTag, tag));
}

TEST(HeaderValue, RememberedTagsAndCallIdsFollowTheValueThroughChangesAndCopies)
{
    SipMessage message = Parsed(Request());
    EXPECT_EQ(HeaderTag(message, "From"), "1928301774");
    EXPECT_EQ(HeaderTag(message, "From"), "1928301774"); // remembered
    const SipMessage before = message;
    message.Set("From", "Alice <sip:alice@atlanta.example.com>;tag=changed");
    EXPECT_EQ(HeaderTag(message, "From"), "changed");
    EXPECT_EQ(HeaderTag(before, "From"), "1928301774");
    message.Set("From", "\"" + std::string(300, 'a') + "\" <sip:alice@atlanta.example.com>;tag=x");
    EXPECT_EQ(HeaderTag(message, "From"), "x");
    EXPECT_EQ(HeaderTag(message, "From"), "x");
    message.Set("From", "<sip:alice@atlanta.example.com>;tag=1;;broken");
    EXPECT_EQ(HeaderTag(message, "From"), "");
    EXPECT_EQ(HeaderTag(message, "From"), "");
    EXPECT_EQ(HeaderTag(message, "To"), "");
    message.Set("To", "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf");
    EXPECT_EQ(HeaderTag(message, "To"), "a6c85cf");

    EXPECT_EQ(CallIdView(message), "a84b4c76e66710@pc33.atlanta.example.com");
    EXPECT_EQ(*GetCallId(message), "a84b4c76e66710@pc33.atlanta.example.com"); // remembered
    message.Set("Call-ID", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com");
    EXPECT_EQ(CallIdView(message), "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com");
    message.Set("Call-ID", "not a word");
    EXPECT_EQ(CallIdView(message), "");
    EXPECT_FALSE(GetCallId(message).Ok());
}

TEST(HeaderValue, RememberedCSeqReadsAsTheParseOfItsText)
{
    // GetCSeq remembers the method of a CSeq that parsed and reads the number again from the
    // text: first and later reads must both agree with CSeq::Parse, error or not.
    const char* values[] = {
        "1 INVITE",      "  0042\tBYE  ", "2147483647 ACK", "2147483648 ACK",         "12",
        "x INVITE",      "1 INV ITE",     "1\t\tREGISTER",  "00000000000007 OPTIONS", "7 ",
        "314159 a.b-c!%"};
    for (const char* text : values)
    {
        SipMessage message = Parsed(Request());
        message.Set("CSeq", text);
        const auto expected = CSeq::Parse(text);
        for (int read = 0; read < 2; ++read)
        {
            const auto got = GetCSeq(message);
            ASSERT_EQ(got.Ok(), expected.Ok()) << text << " read " << read;
            if (expected.Ok())
            {
                EXPECT_EQ(*got, *expected) << text << " read " << read;
            }
        }
        std::string_view method;
        EXPECT_EQ(message.Get("CSeq")->RememberedPiece(HeaderValue::Piece::CSeqMethod, method),
                  expected.Ok())
            << text;
    }
}

TEST(HeaderValue, CopiesMayBeMadeAndDroppedOnSeveralThreads)
{
    // --parse-ahead hands values parsed on one thread to another, so the count is atomic.
    const HeaderValue shared(kLong);
    auto churn = [&shared] {
        for (int i = 0; i < 20000; ++i)
        {
            HeaderValue copy = shared;
            ASSERT_EQ(copy.size(), kLong.size());
        }
    };
    std::thread other(churn);
    churn();
    other.join();
    HeaderValue last = shared;
    EXPECT_EQ(last.view(), kLong);
}

} // namespace
} // namespace sipsim
